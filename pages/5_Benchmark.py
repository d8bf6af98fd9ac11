"""Benchmark page (being built)."""

import streamlit as st

from pages import _layout as ui

cat = ui.require_data()
st.title("Benchmark")
st.write(f"{len(cat.councils)} councils, {cat.round_count} workshop rounds, {cat.participants} participants loaded.")
