"""All training, data and visualisation logic of the dashboard. Never imports Streamlit."""
