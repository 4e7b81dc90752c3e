"""The annual report: tables 三 and 四 from the records, the checks, history import, locking, the documents."""
