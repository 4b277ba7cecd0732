"""The public status site: projection, pages, feeds, API, calendar and badges."""
