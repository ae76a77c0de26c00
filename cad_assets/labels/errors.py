"""The error raised for a label file that cannot be used."""


class LabelError(ValueError):
    """A label file is unreadable, of the wrong type, or does not match its CAD file.

    The message names the label file and says what is wrong (counts, bad entries); the pipeline
    records it as the CAD file's failure reason, like a read error.
    """
