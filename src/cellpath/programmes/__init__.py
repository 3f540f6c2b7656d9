"""Compare: clinic and trial programmes, their warning signs, and side-by-side comparison."""
