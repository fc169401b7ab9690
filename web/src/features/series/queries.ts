import { queryOptions } from "@tanstack/react-query";
import { api, dataOrThrow } from "../../api/client";

export const seriesRowQuery = (seriesId: string) =>
  queryOptions({
    queryKey: ["seriesDetail", seriesId, "row"],
    queryFn: () => dataOrThrow(api.GET("/series/{series_id}", { params: { path: { series_id: seriesId } } })),
  });

export const seriesBooksQuery = (seriesId: string) =>
  queryOptions({
    queryKey: ["seriesDetail", seriesId, "books"],
    queryFn: () =>
      dataOrThrow(api.GET("/series/{series_id}/books", { params: { path: { series_id: seriesId }, query: { limit: 200 } } })),
  });
