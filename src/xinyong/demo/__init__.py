"""The demo county 示范县: ``xinyong demo`` builds it, ``xinyong serve`` serves the platform."""
