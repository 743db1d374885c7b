"""The business case of an operation, its review by the working party, funding decisions and the annual
programme (issue 3)."""
