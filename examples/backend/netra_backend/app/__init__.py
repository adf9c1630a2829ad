"""Application package of the Netra backend."""
