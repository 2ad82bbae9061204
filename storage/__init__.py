"""The database boundary of ministry-watch: models, engine set-up and the queries that
write and read history. Other packages call these functions and get explicit results."""
