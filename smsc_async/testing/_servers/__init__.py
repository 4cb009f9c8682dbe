"""What carries requests to `FakeSMSC`: the in-process transport, the ASGI app, and uvicorn
serving that app on a loopback socket in a thread."""
