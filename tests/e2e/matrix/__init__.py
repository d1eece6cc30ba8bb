"""The security matrix's parts (issue 11): the demo city read through the API (``world``), who
may reach what (``policy``), the merged OpenAPI walked into requests (``spec``), the sweep
(``sweep``), database snapshots (``snapshot``) and the token and path tricks (``tricks``)."""
