"""The law as code: no I/O, no database, no clock on the wall. Every date comes in as an argument."""
