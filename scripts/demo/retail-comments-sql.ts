/**
 * Descriptions a well-run team would have written. They land in the catalog as the source's
 * own documentation, and some admit to problems (the legacy card number column) that a
 * compliance rule should flag regardless of what the comment says.
 */
interface Described {
  kind: 'TABLE' | 'VIEW' | 'MATERIALIZED VIEW';
  about: string;
  columns?: Record<string, string>;
}

const DESCRIPTIONS: Record<string, Described> = {
  'hr.departments': {
    kind: 'TABLE',
    about: 'Organisational units and their finance cost centers.',
  },
  'hr.employees': {
    kind: 'TABLE',
    about: 'Employee master data from the HRIS. Restricted: People team and payroll only.',
    columns: {
      national_id: 'SSN (US), National Insurance number (UK) or NIR (FR), by office country.',
      national_id_type: 'Which national identifier scheme national_id follows.',
      salary: 'Gross annual base salary in salary_currency.',
      bank_iban: 'Payroll account for European offices.',
      bank_routing_number: 'ABA routing number of the payroll account (US offices).',
      bank_account_number: 'Payroll account number (US offices).',
      home_address: 'Postal address for payslips and tax forms.',
      manager_id: 'Direct manager; the CEO has none.',
      personal_email: 'Private address used after leaving, for tax documents.',
    },
  },
  'sales.customers': {
    kind: 'TABLE',
    about: 'Registered shoppers across the web shop, mobile app and stores.',
    columns: {
      customer_ref: 'Public identifier shown in the app and in e-mails.',
      email: 'Login and contact address; unique regardless of case.',
      phone: 'Mobile number as entered: E.164 or national format.',
      national_id: 'Collected only for store-credit applications.',
      signup_ip: 'IP address of the registration request (fraud checks).',
      notes: 'Free text written by store and support staff.',
    },
  },
  'sales.customer_addresses': {
    kind: 'TABLE',
    about: 'Billing and delivery addresses; a customer may have several.',
  },
  'sales.products': { kind: 'TABLE', about: 'The product catalogue with USD list prices.' },
  'sales.orders': {
    kind: 'TABLE',
    about: 'One row per checkout. Amounts are in the currency of the customer country.',
    columns: { ip_address: 'Client IP of web and app orders; empty for store sales.' },
  },
  'sales.order_items': { kind: 'TABLE', about: 'Lines of an order, priced at checkout time.' },
  'sales.payments': {
    kind: 'TABLE',
    about: 'Payment attempts per order, including declined ones.',
    columns: {
      card_number: 'Legacy: full card number kept by the pre-2025 checkout. Scheduled for removal.',
      card_number_masked: 'First six and last four digits, as the payment provider returns them.',
      card_expiry: 'MM/YY',
      iban: 'Account debited for SEPA direct debit payments.',
      payer_email: 'PayPal account e-mail of the payer.',
    },
  },
  'support.support_tickets': {
    kind: 'TABLE',
    about: 'Customer service tickets from e-mail, chat, web form and phone.',
    columns: { body: 'First message of the ticket, verbatim as the customer wrote it.' },
  },
  'marketing.loyalty_accounts': {
    kind: 'TABLE',
    about: 'Loyalty programme membership; one point per unit of currency spent.',
  },
  'marketing.consents': {
    kind: 'TABLE',
    about: 'Marketing consent evidence per channel (GDPR art. 7): when, where and from which IP.',
  },
  'sales.customer_order_summary': {
    kind: 'VIEW',
    about: 'Order count and lifetime value per customer, cancelled orders excluded.',
  },
  'hr.employee_directory': {
    kind: 'VIEW',
    about: 'Company phone book for all staff: no salary, national id or bank details.',
  },
  'support.open_ticket_queue': {
    kind: 'VIEW',
    about: 'Open and pending tickets with the customer contact for agents.',
  },
  'marketing.email_audience': {
    kind: 'VIEW',
    about: 'Active customers whose latest e-mail consent is a yes: the newsletter list.',
  },
  'sales.monthly_revenue': {
    kind: 'MATERIALIZED VIEW',
    about: 'Revenue per month, country and currency; refreshed nightly.',
  },
};

const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** COMMENT ON statements for every described table, view and column. */
export function retailCommentsSql(): string {
  const statements: string[] = [];
  for (const [name, described] of Object.entries(DESCRIPTIONS)) {
    statements.push(`COMMENT ON ${described.kind} ${name} IS ${literal(described.about)};`);
    for (const [column, about] of Object.entries(described.columns ?? {})) {
      statements.push(`COMMENT ON COLUMN ${name}.${column} IS ${literal(about)};`);
    }
  }
  return statements.join('\n');
}
