"""The annual report: tables 三 and 四 from the records, the checks, history import, locking, the documents."""

# The bad rows an import lists with their problems; a file with more is most likely in the wrong layout. Here, not
# in `importer`, so that `import --help` says it without loading the importer.
MAX_LISTED_ERRORS = 100


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in words a user reads."""
    if isinstance(exc, FileNotFoundError):
        return "文件或文件夹不存在"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是文件"
    if isinstance(exc, PermissionError):
        return "没有读写权限"
    if isinstance(exc, NotADirectoryError):
        return "路径中有一部分不是文件夹"
    return f"系统错误 {exc.errno}" if exc.errno else "系统错误"
