"""The core: what every other layer may use, importing nothing else of labhelpers.

errors    the exception tree (LabError and its subclasses)
units     sizes as the docker CLI prints them
labels    the labels on everything the lab creates, and the test of ownership
results   @result: frozen dataclasses, registered for recordings
echo      the `$ docker ...` line each helper prints
platforms WSL, whose advice differs (Docker Desktop's WSL integration, Windows' browser)
"""

__all__: list[str] = []
