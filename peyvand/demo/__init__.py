"""Demo data: a believable Persian business for a first look (``peyvand demo``, ``make run``).

It sits at the top of the layers, beside the API and URL assembly, because it fills every app at once; no app
imports it.
"""
