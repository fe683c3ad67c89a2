"""The pipeline seen as a whole: where each module stands (status), its review gates, its traceability."""
