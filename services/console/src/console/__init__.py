"""The staff console: township and county staff do their day's work in a browser."""
