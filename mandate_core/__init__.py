"""Innovation Mandate core: storage, validated import, metrics, benchmarking, disclosure control.

Nothing in this package imports streamlit; the command line path imports neither plotly nor pandas, so
`python -m mandate_core report` starts in a fraction of a second.
"""

__version__ = "0.1.0"
