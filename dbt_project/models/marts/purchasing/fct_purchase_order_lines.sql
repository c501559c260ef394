{#
    One row per purchase order line: what was ordered, what arrived and when, what is still
    open. Goods receipts name their order but not its line, so a line's receipts are the
    receipt lines of the same order and product (shared in line order when an order asks for a
    product twice, the last line taking any excess). Lead time runs from the order date to the
    first receipt of the line; fill rate is received over ordered, known once something arrived
    or the order is closed.
#}

with

orders as (

    select * from {{ ref('stg_erp__purchase_orders') }}

),

order_lines as (

    select * from {{ ref('stg_erp__purchase_order_lines') }}

),

receipts as (

    select * from {{ ref('stg_erp__goods_receipts') }}
    where purchase_order_id is not null

),

receipt_lines as (

    select * from {{ ref('stg_erp__goods_receipt_lines') }}

),

received as (

    select
        receipts.purchase_order_id,
        receipt_lines.product_id,
        sum(receipt_lines.received_qty) as received_qty,
        sum(receipt_lines.received_qty * receipt_lines.unit_cost_pen) as received_value_pen,
        count(distinct receipts.goods_receipt_id) as receipts_count,
        min(receipts.receipt_date) as first_receipt_date,
        max(receipts.receipt_date) as last_receipt_date
    from receipts
    inner join receipt_lines
        on receipts.goods_receipt_id = receipt_lines.goods_receipt_id
    group by receipts.purchase_order_id, receipt_lines.product_id

),

{#- Where an order asks for a product on several lines, the units ordered on its earlier lines. #}
ranked_lines as (

    select
        order_lines.*,
        coalesce(sum(ordered_qty) over (
            partition by purchase_order_id, product_id
            order by purchase_order_line_id
            rows between unbounded preceding and 1 preceding
        ), 0) as ordered_before_qty,
        row_number() over (
            partition by purchase_order_id, product_id
            order by purchase_order_line_id desc
        ) = 1 as is_last_line_of_product
    from order_lines

),

allocated as (

    select
        ranked_lines.*,
        received.receipts_count,
        received.first_receipt_date,
        received.last_receipt_date,
        case
            when received.received_qty is null then 0
            when ranked_lines.is_last_line_of_product
                then greatest(received.received_qty - ranked_lines.ordered_before_qty, 0)
            else least(
                ranked_lines.ordered_qty,
                greatest(received.received_qty - ranked_lines.ordered_before_qty, 0)
            )
        end as received_qty
    from ranked_lines
    left join received
        on
            ranked_lines.purchase_order_id = received.purchase_order_id
            and ranked_lines.product_id = received.product_id

),

final as (

    select
        allocated.purchase_order_line_id,
        allocated.purchase_order_id,
        orders.supplier_id,
        orders.store_id,
        allocated.product_id,
        orders.purchase_order_status,
        orders.ordered_date,
        orders.expected_date,
        allocated.first_receipt_date,
        allocated.last_receipt_date,
        coalesce(allocated.receipts_count, 0) as receipts_count,
        allocated.ordered_qty,
        cast(allocated.received_qty as numeric(14, 3)) as received_qty,
        cast(allocated.ordered_qty - allocated.received_qty as numeric(14, 3)) as unreceived_qty,
        cast(
            case
                when orders.purchase_order_status = 'open'
                    then greatest(allocated.ordered_qty - allocated.received_qty, 0)
                else 0
            end as numeric(14, 3)
        ) as open_qty,
        allocated.unit_cost_pen,
        cast(round(allocated.ordered_qty * allocated.unit_cost_pen, 2) as numeric(14, 2))
            as ordered_value_pen,
        cast(orders.expected_date - orders.ordered_date as integer) as expected_lead_time_days,
        cast(allocated.first_receipt_date - orders.ordered_date as integer) as lead_time_days,
        cast(allocated.first_receipt_date - orders.expected_date as integer) as delay_days,
        allocated.first_receipt_date > orders.expected_date as is_late,
        case
            when allocated.received_qty > 0 or orders.purchase_order_status <> 'open'
                then {{ innovalogix.ratio('allocated.received_qty', 'allocated.ordered_qty') }}
        end as fill_rate,
        allocated.received_qty >= allocated.ordered_qty as is_fully_received
    from allocated
    inner join orders
        on allocated.purchase_order_id = orders.purchase_order_id

)

select * from final
