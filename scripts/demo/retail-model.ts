import { Faker, type LocaleDefinition } from '@faker-js/faker';
import { mixSeed } from './seeded-random.js';

/**
 * Rows of the demo retailer ("Larkspur Retail"). Field names are the column names of the
 * demo database, so loaders and file writers need no mapping tables. Timestamps are `Date`,
 * calendar dates are `YYYY-MM-DD` strings (no time zone can shift them), money is a number
 * rounded to cents.
 */

/** Bump when generated values change, so existing demo databases and buckets are rebuilt. */
export const GENERATOR_VERSION = '1';
export const DEMO_SEED = 20_261_031;
/** Everything is generated "as of" this instant instead of the wall clock. */
export const REFERENCE_DATE = new Date('2026-11-01T00:00:00Z');

export interface RetailSizes {
  customers: number;
  employees: number;
  products: number;
  orders: number;
  supportTickets: number;
  clickstreamSessions: number;
}

/** A few thousand customers and ~15k orders: rich enough to scan, quick enough to load. */
export const DEFAULT_SIZES: RetailSizes = {
  customers: 3000,
  employees: 160,
  products: 400,
  orders: 15_000,
  supportTickets: 1200,
  clickstreamSessions: 3500,
};

export interface DepartmentRow {
  id: number;
  name: string;
  cost_center: string;
}

export interface EmployeeRow {
  id: number;
  employee_number: string;
  first_name: string;
  last_name: string;
  work_email: string;
  personal_email: string;
  work_phone: string;
  mobile_phone: string;
  national_id: string;
  national_id_type: string;
  birth_date: string;
  hire_date: string;
  termination_date: string | null;
  department_id: number;
  manager_id: number | null;
  job_title: string;
  office_country: string;
  home_address: string;
  salary: number;
  salary_currency: string;
  bank_iban: string | null;
  bank_routing_number: string | null;
  bank_account_number: string | null;
}

export interface CustomerRow {
  id: number;
  customer_ref: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string | null;
  birth_date: string | null;
  gender: string | null;
  country_code: string;
  preferred_language: string;
  national_id: string | null;
  national_id_type: string | null;
  signup_ip: string;
  is_active: boolean;
  notes: string | null;
  created_at: Date;
}

export interface CustomerAddressRow {
  id: number;
  customer_id: number;
  kind: 'billing' | 'shipping';
  recipient_name: string;
  street_line1: string;
  street_line2: string | null;
  city: string;
  region: string | null;
  postal_code: string;
  country_code: string;
  is_default: boolean;
}

export interface ProductRow {
  id: number;
  sku: string;
  name: string;
  category: string;
  description: string;
  list_price_usd: number;
  weight_grams: number;
  is_active: boolean;
  created_at: Date;
}

export interface OrderRow {
  id: number;
  order_number: string;
  customer_id: number;
  shipping_address_id: number;
  status: 'processing' | 'shipped' | 'delivered' | 'cancelled' | 'returned';
  channel: 'web' | 'mobile_app' | 'store';
  currency: string;
  subtotal: number;
  shipping_fee: number;
  total_amount: number;
  ip_address: string | null;
  ordered_at: Date;
  shipped_at: Date | null;
  delivered_at: Date | null;
}

export interface OrderItemRow {
  id: number;
  order_id: number;
  product_id: number;
  quantity: number;
  unit_price: number;
  discount_pct: number;
  line_total: number;
}

export interface PaymentRow {
  id: number;
  order_id: number;
  method: 'card' | 'paypal' | 'sepa_debit' | 'gift_card';
  status: 'authorized' | 'captured' | 'failed' | 'refunded' | 'voided';
  amount: number;
  currency: string;
  card_brand: string | null;
  card_number: string | null;
  card_number_masked: string | null;
  card_expiry: string | null;
  cardholder_name: string | null;
  iban: string | null;
  payer_email: string | null;
  gift_card_code: string | null;
  three_d_secure: boolean | null;
  processor_ref: string;
  created_at: Date;
}

export interface SupportTicketRow {
  id: number;
  ticket_number: string;
  customer_id: number;
  order_id: number | null;
  assignee_id: number | null;
  channel: 'email' | 'chat' | 'web_form' | 'phone';
  subject: string;
  body: string;
  status: 'open' | 'pending' | 'solved' | 'closed';
  priority: 'low' | 'normal' | 'high' | 'urgent';
  created_at: Date;
  resolved_at: Date | null;
}

export interface LoyaltyAccountRow {
  customer_id: number;
  member_number: string;
  tier: 'bronze' | 'silver' | 'gold' | 'platinum';
  points_balance: number;
  enrolled_at: Date;
}

export interface MarketingConsentRow {
  id: number;
  customer_id: number;
  channel: 'email' | 'sms' | 'phone' | 'post';
  granted: boolean;
  source: string;
  ip_address: string | null;
  recorded_at: Date;
}

/** One line of the clickstream export; lives only in the bucket, not in the database. */
export interface ClickstreamEvent {
  event_id: string;
  event_time: string;
  event_type: string;
  session_id: string;
  anonymous_id: string;
  user_id: number | null;
  email?: string;
  ip: string;
  user_agent: string;
  page_url: string;
  referrer: string | null;
  properties: Record<string, string | number>;
}

export interface RetailDataset {
  seed: number;
  generatorVersion: string;
  departments: DepartmentRow[];
  employees: EmployeeRow[];
  customers: CustomerRow[];
  customerAddresses: CustomerAddressRow[];
  products: ProductRow[];
  orders: OrderRow[];
  orderItems: OrderItemRow[];
  payments: PaymentRow[];
  supportTickets: SupportTicketRow[];
  loyaltyAccounts: LoyaltyAccountRow[];
  marketingConsents: MarketingConsentRow[];
  clickstream: ClickstreamEvent[];
}

/** A Faker of its own per stream, so no generator depends on another's call count. */
export function seededFaker(seed: number, label: string, locale: LocaleDefinition[]): Faker {
  const faker = new Faker({ locale });
  faker.seed(mixSeed(seed, label));
  faker.setDefaultRefDate(REFERENCE_DATE);
  return faker;
}

export const toDateString = (date: Date): string => date.toISOString().slice(0, 10);
export const roundToCents = (amount: number): number => Math.round(amount * 100) / 100;
export const DAY_MS = 86_400_000;
