"""The emulator's wire: a request as a server hands it over (`FakeRequest`), its parameters read
as SMSC reads them, and the four answer formats. Written from SMSC's docs alone, never shared
with the SDK's encoder or decoder."""
