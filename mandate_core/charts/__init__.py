"""Plotly figure builders: functions from core results to figures, tested without a browser.

Each builder sets the chart's one-line takeaway as its title and writes axis labels in words.  Colours
come from :mod:`mandate_core.palette` only; sizes from :mod:`mandate_core.charts.base`, which also scales
everything up for debrief mode.
"""
