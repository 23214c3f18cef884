"""Returns on disk and in email: the commit a return is cut from (source), returns read
out of saved emails (mail). `returns apply` adds reading the workbooks in its own module.
"""
