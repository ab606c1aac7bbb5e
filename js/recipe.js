// placeholder until the front end lands
export default { render({ model, el }) { el.textContent = model.get("recipe_id"); } };
