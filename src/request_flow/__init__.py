"""request-flow: applications for government information under the Regulations on Open Government Information."""

__version__ = "0.1.0"
