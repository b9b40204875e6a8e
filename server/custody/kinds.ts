// The codes of body custody: a slot's service state, a body's custody state, and the places a body can be.
export const slotStatuses = ['in_service', 'out_of_service'] as const;
export type SlotStatus = (typeof slotStatuses)[number];

export const custodyStatuses = ['in_custody', 'released'] as const;
export type CustodyStatus = (typeof custodyStatuses)[number];

/** 冷藏柜格位, 整容室, 告别厅, 火化间. */
export const placeKinds = ['fridge_slot', 'dressing_room', 'farewell_hall', 'cremation_room'] as const;
export type PlaceKind = (typeof placeKinds)[number];
export const otherPlaces = placeKinds.filter((k) => k !== 'fridge_slot');
