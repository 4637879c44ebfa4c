"""The first version of each template, one module per document; see doc_templates/build.py."""
