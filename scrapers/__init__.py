"""The Scrapy project (spider, item pipeline, settings) and the site files that drive it.

`scrapers.sitefile` is plain Python (no Scrapy import): the pipeline reads site files with it too.
"""
