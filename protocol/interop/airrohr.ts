import { z } from 'zod';

/**
 * The body the Sensor.Community firmware (airrohr) POSTs to a "custom API" (`/data.php`), as sent
 * by its `sendData` (values are strings, e.g. `{"value_type":"SDS_P1","value":"12.30"}`).
 */
export const AirrohrValue = z.object({
  value_type: z.string().min(1).max(64),
  value: z.union([z.string().max(64), z.number()]),
});
export type AirrohrValue = z.infer<typeof AirrohrValue>;

export const AirrohrBody = z.object({
  esp8266id: z.union([z.string().max(32), z.number()]).optional(),
  software_version: z.string().max(64).optional(),
  sensordatavalues: z.array(AirrohrValue).min(1).max(100),
});
export type AirrohrBody = z.infer<typeof AirrohrBody>;

/** Bodies larger than this are refused before parsing: the firmware sends well under 2 KiB. */
export const AIRROHR_MAX_BODY = 16 * 1024;
