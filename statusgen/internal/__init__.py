"""The internal site: runbooks, postmortems, action items and metrics (GitHub issue 4).

Everything here may read internal fields of the model; nothing here feeds the public site.
"""
