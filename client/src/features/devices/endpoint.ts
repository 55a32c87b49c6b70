/**
 * Which port echo and ping use for a device. Unlike core's dicomEndpoint (TCP first), the tree
 * prefers TLS: when a device has a TLS port, plain TCP is never used to reach it, so the check
 * tests the connection the PACS should be using and nothing goes over the wire in clear text.
 */
import { dicomEndpoint, type DeviceModel } from '../../../../core/src/devices';

export interface Endpoint {
  port: number;
  tls: boolean;
}

export function endpointOf(device: DeviceModel): Endpoint | undefined {
  if (device.tlsPort !== undefined && device.tlsPort > 0) return { port: device.tlsPort, tls: true };
  return dicomEndpoint(device);
}
