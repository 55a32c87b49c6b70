/** The durable forward queue (AutoFwd): spool on disk, destinations from the table, forwarder. */
export * from './spool';
export * from './destinations';
export * from './classify';
export * from './forwarder';
export * from './node';
export * from './events';
