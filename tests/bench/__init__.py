"""The project's benchmark: ``python -m tests.bench`` from the repository root (see README "Performance").

core.py times the import, reports, pages (AppTest) and live capture; load.py and loadgen.py measure how
many people one app process holds, with a load generator that speaks Streamlit's websocket protocol.
"""
