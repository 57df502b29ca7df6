<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!-- defacto: QGIS loads this style with the layer of the same name. Thin lines from homes to
     the site that serves them, faint so that the sites and homes stay readable. -->
<qgis version="3.28" styleCategories="Symbology">
 <renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">
  <symbols>
   <symbol type="line" name="0" alpha="0.45" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleLine" enabled="1" locked="0" pass="0">
     <Option type="Map">
      <Option name="line_color" type="QString" value="90,90,90,255"/>
      <Option name="line_width" type="QString" value="0.2"/>
      <Option name="line_width_unit" type="QString" value="MM"/>
      <Option name="capstyle" type="QString" value="round"/>
     </Option>
    </layer>
   </symbol>
  </symbols>
 </renderer-v2>
</qgis>
