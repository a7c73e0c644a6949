-- one row: whether the indicator ($indicator: a series of it has observations), the country ($area)
-- and the public citizen dataset ($dataset) a saved view names are in this database (null: not named)
select
    case when $indicator is null then null
         else exists (select 1 from series where indicator = $indicator) and in_database($indicator, 'all')
    end as indicator_found,
    case when $area is null then null
         else exists (select 1 from area where code = $area and kind = 'country')
    end as area_found,
    case when $dataset is null then null
         else exists (select 1 from public_dataset join citizen_dataset using (dataset_id) where dataset_id = $dataset)
    end as dataset_found
