"""Care pages, one module per area: records, progression, data entry, dashboard, portal."""
