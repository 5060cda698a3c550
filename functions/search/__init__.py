"""Search: the index browsers query directly, kept by database triggers, and Gurubot.

`indexing` holds the bodies of the triggers main.py declares (question and answer
written); the text pipeline and the index layout are the data model's, _model/search.py,
which the browser runs too, so queries meet the terms posts were indexed with.
"""
