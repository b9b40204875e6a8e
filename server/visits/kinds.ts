// Codes of the visit reservations (DESIGN.md, Domain: visit reservations). The CHECK lists in the migration are
// copies of these (test/db/constraints.test.ts compares them).

/** A window takes bookings while open; a closed one keeps the reservations it has and takes no more. */
export const windowStatuses = ['open', 'closed'] as const;
export type WindowStatus = (typeof windowStatuses)[number];

export const reservationStatuses = ['booked', 'cancelled'] as const;
export type ReservationStatus = (typeof reservationStatuses)[number];

/** Who made the reservation: the family on the public pages, or a staff member for a caller (代约). */
export const reservationChannels = ['public', 'staff'] as const;
export type ReservationChannel = (typeof reservationChannels)[number];

/** What a facility counts per day to hold its limits: reservations per phone number and per ID number. */
export const dayCountKinds = ['phone', 'id_number'] as const;
export type DayCountKind = (typeof dayCountKinds)[number];

/** Kinds of facility that keep visit windows: where families come to sweep a tomb or pay respects at a niche. */
export const visitKinds = [
  'columbarium',
  'urban_public_cemetery',
  'rural_public_cemetery',
  'commercial_cemetery',
] as const;

/** A facility's booking rules; the defaults hold until its staff change them. */
export interface VisitSettings {
  facility_id: number;
  /** The share of the site's capacity opened to bookings (北京 2020: 75 %). */
  open_percent: number;
  /** How many days ahead booking opens: a window on day D can be booked from D − N. */
  book_ahead_days: number;
  /** Reservations one phone number may hold per day at this facility. */
  max_per_phone_day: number;
  /** Whether the visitor's ID number is asked for, and then how many reservations one ID may hold per day. */
  id_required: boolean;
  max_per_id_day: number;
  max_party_size: number;
  /** Whether the facility has parking: the form asks for a car plate only then. */
  has_parking: boolean;
}

export const defaultSettings: Omit<VisitSettings, 'facility_id'> = {
  open_percent: 100,
  book_ahead_days: 7,
  max_per_phone_day: 2,
  id_required: false,
  max_per_id_day: 1,
  max_party_size: 5,
  has_parking: false,
};

/** Bounds the settings form and the database keep alike. */
export const settingBounds = {
  open_percent: [1, 100],
  book_ahead_days: [0, 60],
  max_per_phone_day: [1, 20],
  max_per_id_day: [1, 20],
  max_party_size: [1, 20],
} as const;

export interface VisitWindow {
  id: number;
  facility_id: number;
  /** The day in Asia/Shanghai, YYYY-MM-DD. */
  visit_date: string;
  /** Instants, ISO strings in UTC. */
  starts_at: string;
  ends_at: string;
  capacity: number;
  booked: number;
  status: WindowStatus;
  is_peak: boolean;
}

export interface Reservation {
  id: number;
  code: string;
  window_id: number;
  facility_id: number;
  visit_date: string;
  name: string;
  phone: string;
  id_number: string | null;
  party_size: number;
  visiting: string | null;
  car_plate: string | null;
  status: ReservationStatus;
  channel: ReservationChannel;
  booked_by: number | null;
  created_at: string;
  cancelled_at: string | null;
  arrived_at: string | null;
  checked_in_by: number | null;
}
