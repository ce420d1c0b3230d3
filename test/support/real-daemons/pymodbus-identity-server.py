"""A Modbus/TCP server of pymodbus (Debian's python3-pymodbus) that answers Read Device
Identification from the identity given on the command line: host, port, then name=value
pairs of the Modbus object names (VendorName, ProductCode, MajorMinorRevision, ...).
Its registers are pymodbus's empty defaults; the survey must never read them anyway."""
import sys

from pymodbus.datastore import ModbusServerContext, ModbusSlaveContext
from pymodbus.device import ModbusDeviceIdentification
from pymodbus.server import StartTcpServer

host, port = sys.argv[1], int(sys.argv[2])
info = dict(pair.split("=", 1) for pair in sys.argv[3:])
identity = ModbusDeviceIdentification(info_name=info)
# single=True: one device answers every unit id, as a TCP-native PLC does.
context = ModbusServerContext(slaves=ModbusSlaveContext(), single=True)
StartTcpServer(context=context, identity=identity, address=(host, port))
