"""The information packet: a PDF made from a programme's data and the study library, e-mailed and
downloadable for a week."""
