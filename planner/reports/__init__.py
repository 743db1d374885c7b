"""Reports: the final report of an operation, the consolidated annual report to the Council and the public
summaries. One dataset layer (`datasets.py`, SQL aggregation over what the reader may see) feeds three renderings:
the page, the xlsx writer and the PDF writer (DESIGN.md §5.7). Issued documents are frozen in `IssuedReport`."""
