"""Reading users' files and writing outputs: one home for each input/output chore.

* ``text``: bytes of a user's text file to text, with one encoding policy;
* ``tables``: CSV/TSV/XLSX tables to rows of strings, with one set of failure messages;
* ``writer``: the one atomic writer, and the file-system rules for outputs;
* ``formats``: choosing an output format from ``--format`` or the file extension;
* ``docx``: new Word documents stamped as made by themekit.

The package holds no project knowledge: it imports only the standard library and
``themekit.errors`` (heavy libraries such as openpyxl inside the functions using them).
"""
