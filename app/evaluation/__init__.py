"""Evaluating the contract from the data: indicators by period, the landlord's TFPB review
and the exports for spreadsheets and GIS."""
