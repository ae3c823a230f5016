"""The reference host: an inventory ERP schema and the actions its users take."""
