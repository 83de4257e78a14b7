/**
 * Views over the demo tables. They give lineage something to trace (columns flowing from
 * tables into views) and governance something to judge: the directory view hides salary
 * and national id, while the ticket queue view quietly re-exposes customer e-mail.
 * Created after the data is loaded so the materialized view starts populated.
 */
export const RETAIL_VIEWS_SQL = `
CREATE VIEW sales.customer_order_summary AS
SELECT c.id AS customer_id,
       c.first_name || ' ' || c.last_name AS full_name,
       c.email,
       c.country_code,
       count(o.id) AS order_count,
       coalesce(sum(o.total_amount), 0) AS lifetime_value,
       min(o.ordered_at) AS first_order_at,
       max(o.ordered_at) AS last_order_at
FROM sales.customers c
LEFT JOIN sales.orders o ON o.customer_id = c.id AND o.status <> 'cancelled'
GROUP BY c.id;

CREATE VIEW hr.employee_directory AS
SELECT e.id AS employee_id,
       e.first_name,
       e.last_name,
       e.work_email,
       e.work_phone,
       e.job_title,
       d.name AS department,
       m.first_name || ' ' || m.last_name AS manager_name,
       e.office_country
FROM hr.employees e
JOIN hr.departments d ON d.id = e.department_id
LEFT JOIN hr.employees m ON m.id = e.manager_id
WHERE e.termination_date IS NULL;

CREATE VIEW support.open_ticket_queue AS
SELECT t.ticket_number,
       t.subject,
       t.priority,
       t.status,
       t.created_at,
       c.email AS customer_email,
       c.first_name || ' ' || c.last_name AS customer_name,
       a.work_email AS assignee_email
FROM support.support_tickets t
JOIN sales.customers c ON c.id = t.customer_id
LEFT JOIN hr.employees a ON a.id = t.assignee_id
WHERE t.status IN ('open', 'pending');

CREATE VIEW marketing.email_audience AS
SELECT c.id AS customer_id,
       c.email,
       c.first_name,
       c.preferred_language,
       coalesce(l.tier, 'none') AS loyalty_tier
FROM sales.customers c
JOIN LATERAL (
  SELECT granted FROM marketing.consents k
  WHERE k.customer_id = c.id AND k.channel = 'email'
  ORDER BY k.recorded_at DESC
  LIMIT 1
) latest ON latest.granted
LEFT JOIN marketing.loyalty_accounts l ON l.customer_id = c.id
WHERE c.is_active;

CREATE MATERIALIZED VIEW sales.monthly_revenue AS
SELECT date_trunc('month', o.ordered_at AT TIME ZONE 'UTC')::date AS month,
       c.country_code,
       o.currency,
       count(*) AS orders,
       sum(o.total_amount) AS revenue
FROM sales.orders o
JOIN sales.customers c ON c.id = o.customer_id
WHERE o.status NOT IN ('cancelled', 'returned')
GROUP BY 1, 2, 3;
CREATE UNIQUE INDEX monthly_revenue_key ON sales.monthly_revenue (month, country_code, currency);
`;
