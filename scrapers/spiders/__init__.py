"""The Scrapy spiders of ministry-watch: one, `statements`, driven by a site file."""
