"""The stages of ministry-watch (crawl launcher, normalise, diff, alert) and the command line."""
