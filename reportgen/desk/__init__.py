"""The officers' desk (``reportgen desk``): write, check, see and save a form in the browser.

``app.py`` is the web application (Starlette), ``identity.py`` who is asking, ``permissions.py`` what they may do,
``security.py`` sessions, CSRF tokens, headers and limits, ``forms.py`` the content model → the form's fields and the
posted values → the model's values.
"""
