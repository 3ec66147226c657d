"""Project → HTML and PDF: the form's HTML, the site's views and files, open data, PDF and its Thai text layer."""
