"""The classroom handouts (``make handouts``, tools/build_handouts.py), one module per stage.

=============  ==============================================================================================
notebooks      which notebooks, their numbers and titles, their order (`Handout`)
labels         the words on the pages, English and Korean (edition labels, page numbers, titles)
editions       the instructor and student editions (nbconvert's TagRemovePreprocessor), code as printed
mathjax        MathJax for the formulas: Debian's libjs-mathjax copied next to the pages, for offline use
render         the HTML page of one edition of one notebook (nbconvert's HTMLExporter, templates/, handout.css)
contents       each edition's index.html and the course PDF's cover
links          links between notebooks: to the .html pages, to the PDFs, inside the course PDF
paper          paper sizes, margins, the text width the pages are laid out to
footers        the running header, and the footer pages stamped onto the printed pages
chromium       headless Chromium over its DevTools pipe: layout check, printing to PDF
pdf            pypdf: each notebook's PDF (footers, links, title) and the combined course PDF
build          every stage in order, for each edition and notebook (`build`, `BuildResult`)
=============  ==============================================================================================

The template and print styles live next to the modules: ``templates/handout/`` and ``handout.css``.
"""
