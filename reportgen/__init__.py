"""reportgen: the BMA library division's official Thai KPI forms, from YAML to print-ready PDF and HTML."""

__version__ = "0.1.0"
