import type { Faker } from '@faker-js/faker';
import { SeededRandom } from './seeded-random.js';
import { anyPhoneFormat, countryProfile, USD_RATES, type CountryCode } from './country-profiles.js';
import { abaRoutingNumber, formatIban, iban } from './payment-identifiers.js';
import {
  DAY_MS,
  REFERENCE_DATE,
  seededFaker,
  toDateString,
  type DepartmentRow,
  type EmployeeRow,
} from './retail-model.js';

export const DEPARTMENTS: readonly DepartmentRow[] = [
  { id: 1, name: 'Executive', cost_center: 'CC-100' },
  { id: 2, name: 'Finance', cost_center: 'CC-200' },
  { id: 3, name: 'People & HR', cost_center: 'CC-210' },
  { id: 4, name: 'Engineering', cost_center: 'CC-300' },
  { id: 5, name: 'Marketing', cost_center: 'CC-400' },
  { id: 6, name: 'Customer Support', cost_center: 'CC-500' },
  { id: 7, name: 'Warehouse & Logistics', cost_center: 'CC-600' },
  { id: 8, name: 'Store Operations', cost_center: 'CC-700' },
];

interface Role {
  titles: [head: string, lead: string, staff: string[]];
  /** Yearly USD salary bands in thousands: head, lead, staff. */
  bands: [number, number][];
}

type Band = [low: number, high: number];
const role = (head: string, lead: string, staff: string[], ...bands: Band[]): Role => ({
  titles: [head, lead, staff],
  bands,
});

// prettier-ignore
const ROLES: Record<number, Role> = {
  2: role('CFO', 'Finance Manager', ['Accountant', 'Financial Analyst', 'Payroll Specialist'],
    [190, 240], [95, 120], [60, 92]),
  3: role('Chief People Officer', 'HR Business Partner', ['HR Generalist', 'Recruiter'],
    [160, 200], [80, 105], [50, 78]),
  4: role('CTO', 'Engineering Manager', ['Software Engineer', 'Data Engineer', 'SRE'],
    [210, 260], [150, 185], [95, 165]),
  5: role('CMO', 'Marketing Lead', ['Campaign Manager', 'CRM Specialist', 'Designer'],
    [170, 215], [90, 120], [55, 90]),
  6: role('VP Customer Support', 'Support Team Lead', ['Support Agent', 'Senior Support Agent'],
    [140, 175], [58, 72], [38, 55]),
  7: role('VP Logistics', 'Shift Supervisor', ['Warehouse Associate', 'Forklift Operator', 'Inventory Clerk'],
    [135, 170], [52, 66], [32, 48]),
  8: role('VP Stores', 'Store Manager', ['Sales Associate', 'Cashier', 'Visual Merchandiser'],
    [135, 170], [55, 75], [30, 45]),
};

const STAFF_WEIGHTS = [
  [6, 30],
  [7, 25],
  [8, 20],
  [4, 12],
  [5, 6],
  [2, 4],
  [3, 3],
] as const;
const OFFICE_WEIGHTS = [
  ['US', 60],
  ['GB', 25],
  ['FR', 15],
] as const;
const SWITCHBOARDS: Record<string, string> = {
  US: '+1 512-873-4100',
  GB: '+44 20 7946 0321',
  FR: '+33 1 84 88 20 00',
};
const FIRST_HIRE = new Date('2015-03-01T00:00:00Z');

/** Work mailboxes are plain ASCII: accents and spaces are dropped the way IT provisions them. */
function mailbox(firstName: string, lastName: string, seen: Set<string>): string {
  const clean = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[^A-Za-z]/g, '')
      .toLowerCase();
  const local = `${clean(firstName)}.${clean(lastName)}`;
  let candidate = local;
  for (let n = 2; seen.has(candidate); n++) candidate = `${local}${n}`;
  seen.add(candidate);
  return `${candidate}@larkspur-retail.example`;
}

/**
 * Staff of the retailer: a CEO, one head per department, team leads and staff, with the HR
 * fields governance cares about most (salary, national id, bank details, home address).
 */
export function generateEmployees(seed: number, count: number): EmployeeRow[] {
  const rng = SeededRandom.derive(seed, 'employees');
  const fakers = new Map<CountryCode, Faker>(
    OFFICE_WEIGHTS.map(([code]) => [
      code,
      seededFaker(seed, `employees:${code}`, countryProfile(code).locale),
    ]),
  );
  const seenMailboxes = new Set<string>();
  const leadsByDepartment = new Map<number, number[]>();
  const employees: EmployeeRow[] = [];

  for (let id = 1; id <= Math.max(count, DEPARTMENTS.length); id++) {
    const isCeo = id === 1;
    const isHead = id >= 2 && id <= DEPARTMENTS.length;
    const departmentId = isCeo ? 1 : isHead ? id : rng.weighted(STAFF_WEIGHTS);
    const isLead = !isCeo && !isHead && rng.chance(0.12);
    const leads = leadsByDepartment.get(departmentId) ?? [];
    // Department heads have the department's id, so leads and lead-less staff report to it.
    const managerId = isCeo
      ? null
      : isHead
        ? 1
        : isLead || leads.length === 0
          ? departmentId
          : rng.pick(leads);
    if (isLead) leadsByDepartment.set(departmentId, [...leads, id]);

    const office = isCeo || isHead ? 'US' : rng.weighted(OFFICE_WEIGHTS);
    const profile = countryProfile(office);
    const faker = fakers.get(office) as Faker;
    const sex = rng.chance(0.5) ? ('female' as const) : ('male' as const);
    const firstName = faker.person.firstName(sex);
    const lastName = faker.person.lastName(sex);
    const minAge = isCeo || isHead ? 38 : 20;
    const born = new Date(REFERENCE_DATE.getTime() - rng.int(minAge * 365, 64 * 365) * DAY_MS);
    const birthDate = toDateString(born);
    const adult = new Date(born.getTime() + 18 * 365 * DAY_MS);
    const hired = rng.timeBetween(
      adult > FIRST_HIRE ? adult : FIRST_HIRE,
      new Date(REFERENCE_DATE.getTime() - 14 * DAY_MS),
    );
    const terminated = rng.chance(0.06) ? rng.timeBetween(hired, REFERENCE_DATE) : null;

    const jobs = ROLES[departmentId];
    const level = isHead ? 0 : isLead ? 1 : 2;
    const [low, high] = isCeo ? [290, 330] : (jobs?.bands[level] ?? [40, 60]);
    // Whole steps of 500, as pay scales are written.
    const salaryUsd = rng.int(low * 2, high * 2) * 500;
    const title = isCeo
      ? 'Chief Executive Officer'
      : level === 2
        ? rng.pick(jobs?.titles[2] ?? ['Associate'])
        : (jobs?.titles[level] as string);
    const nationalId = profile.nationalId(rng, sex, birthDate);
    const payrollIban = profile.ibanCountry ? iban(rng, profile.ibanCountry) : null;

    employees.push({
      id,
      employee_number: `E${String(10_000 + id * 7).padStart(6, '0')}`,
      first_name: firstName,
      last_name: lastName,
      work_email: mailbox(firstName, lastName, seenMailboxes),
      personal_email: faker.internet.email({
        firstName,
        lastName,
        provider: rng.pick(profile.emailProviders),
      }),
      work_phone: `${SWITCHBOARDS[office] ?? ''} ext. ${rng.int(2000, 4999)}`,
      mobile_phone: anyPhoneFormat(rng, profile.mobileNumber(rng)),
      national_id: nationalId.value,
      national_id_type: nationalId.type,
      birth_date: birthDate,
      hire_date: toDateString(hired),
      termination_date: terminated ? toDateString(terminated) : null,
      department_id: departmentId,
      manager_id: managerId,
      job_title: title,
      office_country: office,
      home_address: `${faker.location.streetAddress()}, ${faker.location.city()} ${faker.location.zipCode()}`,
      salary: Math.round((salaryUsd * USD_RATES[profile.currency]) / 100) * 100,
      salary_currency: profile.currency,
      bank_iban: payrollIban && rng.chance(0.3) ? formatIban(payrollIban) : payrollIban,
      bank_routing_number: payrollIban ? null : abaRoutingNumber(rng),
      bank_account_number: payrollIban ? null : rng.digits(rng.int(9, 12)),
    });
  }
  return employees;
}
