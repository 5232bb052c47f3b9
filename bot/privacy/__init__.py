"""Keeping patron-identifying data out of everything the bot stores or logs."""
